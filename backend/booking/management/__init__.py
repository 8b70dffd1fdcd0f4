"""Management commands (seed_demo, release_expired_holds). Like the admin, they write through the services."""
