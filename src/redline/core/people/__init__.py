"""People in the program: users and their roles, and the perspectives testers declare."""
