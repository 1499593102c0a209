"""Followed feeds: parsing RSS/Atom (parse), the feeds.sqlite of an index folder (store), polling
them into their libraries (poller)."""
