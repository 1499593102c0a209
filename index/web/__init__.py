"""Pages from the web: which URLs may be fetched (guard), fetching them safely (fetch), a fetched page
as a Document (pages)."""
