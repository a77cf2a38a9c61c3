-- Runs once, when the PostgreSQL volume is created: one database per gateway (compose.yaml).
CREATE DATABASE telegram;
CREATE DATABASE sms;
CREATE DATABASE email;
