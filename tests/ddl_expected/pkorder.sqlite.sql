CREATE TABLE "Student" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT
);

CREATE TABLE "Mark" (
  "subject" TEXT NOT NULL,
  "student" INTEGER NOT NULL REFERENCES "Student" ("id") ON DELETE CASCADE,
  PRIMARY KEY ("subject", "student")
);

CREATE INDEX "idx_mark__student" ON "Mark" ("student");

CREATE TABLE "Mark2" (
  "student" INTEGER NOT NULL REFERENCES "Student" ("id") ON DELETE CASCADE,
  "subject" TEXT NOT NULL,
  PRIMARY KEY ("student", "subject")
)
