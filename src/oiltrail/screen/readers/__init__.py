"""List readers: each turns one file into FollowTheMoney entities plus counted skips."""
