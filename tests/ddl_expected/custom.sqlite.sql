CREATE TABLE "Club" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT
);

CREATE TABLE "Passport" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT
);

CREATE TABLE "people" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "full_name" TEXT NOT NULL,
  "pass_id" INTEGER REFERENCES "Passport" ("id") ON DELETE SET NULL
);

CREATE INDEX "idx_people__pass_id" ON "people" ("pass_id");

CREATE TABLE "membership" (
  "club_ref" INTEGER NOT NULL REFERENCES "Club" ("id") ON DELETE CASCADE,
  "person_ref" INTEGER NOT NULL REFERENCES "people" ("id") ON DELETE CASCADE,
  PRIMARY KEY ("club_ref", "person_ref")
);

CREATE INDEX "idx_membership" ON "membership" ("person_ref")
