"""The follow-up cycle in Excel: export, the annual form, ingest."""
