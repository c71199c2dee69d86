CREATE TABLE "Person" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "name" TEXT NOT NULL,
  "spouse" INTEGER REFERENCES "Person" ("id") ON DELETE SET NULL,
  "classtype" TEXT NOT NULL,
  "gpa" REAL,
  "mentor" INTEGER REFERENCES "Person" ("id") ON DELETE SET NULL,
  "salary" INTEGER
);

CREATE INDEX "idx_person__mentor" ON "Person" ("mentor");

CREATE INDEX "idx_person__spouse" ON "Person" ("spouse")
