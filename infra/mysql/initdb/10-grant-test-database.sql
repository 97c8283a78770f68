-- Django's test runner creates and drops the database test_workshop; the
-- application user may do so, and may touch no other database but its own.
-- Runs once, when the database server initialises an empty data volume.
GRANT ALL PRIVILEGES ON `test_workshop`.* TO 'workshop'@'%';
