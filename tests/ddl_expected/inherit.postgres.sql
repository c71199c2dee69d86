CREATE TABLE "person" (
  "id" SERIAL PRIMARY KEY,
  "name" TEXT NOT NULL,
  "spouse" INTEGER,
  "classtype" TEXT NOT NULL,
  "gpa" DOUBLE PRECISION,
  "mentor" INTEGER,
  "salary" INTEGER
);

CREATE INDEX "idx_person__mentor" ON "person" ("mentor");

CREATE INDEX "idx_person__spouse" ON "person" ("spouse");

ALTER TABLE "person" ADD CONSTRAINT "fk_person__mentor" FOREIGN KEY ("mentor") REFERENCES "person" ("id") ON DELETE SET NULL;

ALTER TABLE "person" ADD CONSTRAINT "fk_person__spouse" FOREIGN KEY ("spouse") REFERENCES "person" ("id") ON DELETE SET NULL
