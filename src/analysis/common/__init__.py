"""Small helpers used by every stage: slugs, hashing, dates, cell text."""
