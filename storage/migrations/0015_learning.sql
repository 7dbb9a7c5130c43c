-- Version 15 (file 0015): recommendations learned on the device
-- (docs/recommendations.md). A forgotten customer's designs stay in the
-- library without their name, and no longer teach the recommender:
-- forgotten marks them (here and on every machine of a shop that takes the
-- erasure in).
ALTER TABLE designs ADD COLUMN forgotten INTEGER NOT NULL DEFAULT 0;
