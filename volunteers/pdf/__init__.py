"""PDF documents the portal produces (fpdf2)."""
