-- This migration once inserted the demo catalog; a production database now starts empty.
-- The demo shop lives in seeds/demo.sql (npm run dev loads it; npm run db:seed:demo on request).
-- A database that applied the old version keeps its rows: the README says how to remove them.
SELECT 1;
