"""Ballots: members vote on the program and on decisions; the committee runs the ballots."""
