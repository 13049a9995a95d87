"""Scorecard charts: table rows in, plotly figure JSON out. No database access.

The page always shows the same numbers as a table beside the chart; the chart is a plus, rendered
by static/js/charts.js with the locally served plotly.min.js (no CDN).
"""
from functools import lru_cache

import plotly.graph_objects as go
from markupsafe import Markup

_LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), height=360, yaxis=dict(range=[0, 100], title="Score"),
               font=dict(family="system-ui, sans-serif", size=13), paper_bgcolor="white", plot_bgcolor="white")


def plank_scores_figure(rows: list[dict], title: str) -> str | None:
    """A bar chart of score per plank; None when no plank has a score (nothing to draw)."""
    scored = tuple((row["plank"], row["score"]) for row in rows if row.get("score") is not None)
    return _plank_scores_json(scored, title) if scored else None


# Building a plotly figure costs milliseconds; the same scores always give the same JSON, so
# figures are cached per process (keys are the plotted values themselves, never stale).
@lru_cache(maxsize=512)
def _plank_scores_json(scored: tuple, title: str) -> str:
    scored = [{"plank": plank, "score": score} for plank, score in scored]
    figure = go.Figure(go.Bar(x=[row["plank"] for row in scored], y=[row["score"] for row in scored],
                              marker_color="#0b5394", text=[row["score"] for row in scored],
                              textposition="outside", hovertemplate="%{x}: %{y}<extra></extra>"))
    figure.update_layout(title=title, **_LAYOUT)
    figure.update_xaxes(automargin=True, tickangle=-30)
    return figure.to_json()


def scores_over_time_figure(rows: list[dict], title: str) -> str | None:
    """A line chart of the overall score per year; None when no year has a score."""
    scored = tuple((row["year"], row["score"]) for row in rows if row.get("score") is not None)
    return _over_time_json(scored, title) if scored else None


@lru_cache(maxsize=512)
def _over_time_json(scored: tuple, title: str) -> str:
    scored = [{"year": year, "score": score} for year, score in scored]
    figure = go.Figure(go.Scatter(x=[str(row["year"]) for row in scored], y=[row["score"] for row in scored],
                                  mode="lines+markers", line_color="#0b5394",
                                  hovertemplate="%{x}: %{y}<extra></extra>"))
    figure.update_layout(title=title, **_LAYOUT)
    figure.update_xaxes(type="category", title="Year")
    return figure.to_json()


def embeddable(figure_json: str | None) -> Markup | None:
    """Figure JSON safe inside ``<script type="application/json">`` (a data block, which the
    Content-Security-Policy allows): no ``</script>`` or ``<!--`` can end or bend it, since every
    ``<``, ``>`` and ``&`` is written as a JSON escape that JSON.parse reads back unchanged."""
    if figure_json is None:
        return None
    return Markup(figure_json.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))
