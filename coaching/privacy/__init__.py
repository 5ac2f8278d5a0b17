"""The personal-data lifecycle: retention purge, subject access export, erasure."""
