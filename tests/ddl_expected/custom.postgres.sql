CREATE TABLE "club" (
  "id" SERIAL PRIMARY KEY
);

CREATE TABLE "passport" (
  "id" SERIAL PRIMARY KEY
);

CREATE TABLE "people" (
  "id" SERIAL PRIMARY KEY,
  "full_name" TEXT NOT NULL,
  "pass_id" INTEGER
);

CREATE INDEX "idx_people__pass_id" ON "people" ("pass_id");

ALTER TABLE "people" ADD CONSTRAINT "fk_people__pass_id" FOREIGN KEY ("pass_id") REFERENCES "passport" ("id") ON DELETE SET NULL;

CREATE TABLE "membership" (
  "club_ref" INTEGER NOT NULL,
  "person_ref" INTEGER NOT NULL,
  PRIMARY KEY ("club_ref", "person_ref")
);

CREATE INDEX "idx_membership" ON "membership" ("person_ref");

ALTER TABLE "membership" ADD CONSTRAINT "fk_membership__club_ref" FOREIGN KEY ("club_ref") REFERENCES "club" ("id") ON DELETE CASCADE;

ALTER TABLE "membership" ADD CONSTRAINT "fk_membership__person_ref" FOREIGN KEY ("person_ref") REFERENCES "people" ("id") ON DELETE CASCADE
