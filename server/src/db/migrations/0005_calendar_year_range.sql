-- The calendar accepts the years 1949–2100 (kernel/calendar MIN_CALENDAR_YEAR, the API's year
-- parameter); the table refused 1949–1989, so a valid PUT of such a year ended in a server error.
ALTER TABLE calendar.year DROP CONSTRAINT year_year_check;
ALTER TABLE calendar.year ADD CONSTRAINT year_year_check CHECK (year BETWEEN 1949 AND 2100);
