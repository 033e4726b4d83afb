"""The meeting run: plan, execute notebooks, render HTML and PDF, index and manifest."""
