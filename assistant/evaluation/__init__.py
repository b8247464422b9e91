"""The eval runner: suites (diagnosis, critique, retrieval), metrics, reports, gates."""
