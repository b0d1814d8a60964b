"""What pages are built from: shared form pieces, pagination, search terms, places, template helpers."""
