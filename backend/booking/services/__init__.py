"""Every write Boxoffice makes: one function per use case, each owning its transaction and locks."""
