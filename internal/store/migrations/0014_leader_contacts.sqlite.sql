-- A unit's contact may be its responsible leader's (分管领导): it is sent
-- only the escalations, not the day-to-day reminders.
ALTER TABLE contacts ADD COLUMN leader INTEGER NOT NULL DEFAULT 0;
