"""After the appointment: the report form the volunteer fills in (in the portal or through the
mail link), the organisation's answer, and what the pages show of an assignment."""
