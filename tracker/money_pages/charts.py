"""Plotly figures for the money pages, built server-side; no database access here.

Each function takes the plain rows a service returned and gives the figure's JSON, which the page
embeds next to the table that holds the same numbers (the table is the truth; the chart is a plus).
"""
import plotly.graph_objects as go


def _layout(fig: go.Figure, title: str) -> str:
    fig.update_layout(title=title, margin={"l": 40, "r": 10, "t": 40, "b": 40}, height=320,
                      template="simple_white", showlegend=False)
    return fig.to_json()


def class_bar(by_class: list[dict], title: str = "Money received by donor class", axis: str = "Dollars",
              class_name=lambda code: code.replace("_", " ")) -> str | None:
    """Bar chart of money received per donor class (dollars); the words are the caller's (its language)."""
    if not by_class:
        return None
    fig = go.Figure(go.Bar(x=[class_name(r["donor_class"]) for r in by_class],
                           y=[r["cents"] / 100 for r in by_class], marker_color="#2b6cb0"))
    fig.update_yaxes(title=axis, tickprefix="$")
    return _layout(fig, title)


def monthly_line(monthly: list[dict], title: str = "Money received per month", axis: str = "Dollars") -> str | None:
    """Line chart of money received per month (dollars)."""
    if not monthly:
        return None
    fig = go.Figure(go.Scatter(x=[r["month"] for r in monthly], y=[r["cents"] / 100 for r in monthly],
                               mode="lines+markers", line={"color": "#2f855a"}))
    fig.update_yaxes(title=axis, tickprefix="$")
    return _layout(fig, title)
