"""What a report shows: sections, charts, tables."""
