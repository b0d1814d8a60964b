"""Files in and out: bounded uploads and downloads served safely (and audited)."""
