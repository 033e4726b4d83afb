"""Everything that writes the master data: atomic writes, CSV tables, the change log, snapshots."""
