"""Support requests as both the coordinators and the organisations see them: their forms and page views."""
