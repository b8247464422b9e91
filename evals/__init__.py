"""Eval data (scenarios, plans, retrieval queries, safety cases) and the gates file."""
