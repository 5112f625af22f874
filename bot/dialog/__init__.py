"""The transport-agnostic dialog: (session state, user input) -> (replies, new state)."""
