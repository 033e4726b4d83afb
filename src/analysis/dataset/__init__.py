"""Reading and checking the program data: schema, periods, raw tables, validation, provenance, meetings."""
