"""Several laptops of one organisation exchanging outboxes through a folder a carrier moves."""
