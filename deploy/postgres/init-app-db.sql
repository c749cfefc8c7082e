-- Runs once, when the postgres container initialises an empty data volume: the app's own
-- database beside Temporal's (temporal and temporal_visibility are created by admin-tools).
-- The app's tables are created by the migrate service in docker-compose.yml.
CREATE DATABASE followup;
