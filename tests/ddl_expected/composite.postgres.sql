CREATE TABLE "group" (
  "dept" INTEGER NOT NULL,
  "num" INTEGER NOT NULL,
  PRIMARY KEY ("dept", "num")
);

CREATE TABLE "student" (
  "id" SERIAL PRIMARY KEY,
  "name" TEXT NOT NULL,
  "group_dept" INTEGER,
  "group_num" INTEGER,
  CONSTRAINT "unq_student__name_group_dept_group_num" UNIQUE ("name", "group_dept", "group_num")
);

CREATE INDEX "idx_student__group_dept_group_num" ON "student" ("group_dept", "group_num");

ALTER TABLE "student" ADD CONSTRAINT "fk_student__group_dept__group_num" FOREIGN KEY ("group_dept", "group_num") REFERENCES "group" ("dept", "num") ON DELETE SET NULL;

CREATE TABLE "mark" (
  "student" INTEGER NOT NULL,
  "subject" TEXT NOT NULL,
  "value" INTEGER NOT NULL,
  PRIMARY KEY ("student", "subject")
);

CREATE INDEX "idx_mark__value_subject" ON "mark" ("value", "subject");

ALTER TABLE "mark" ADD CONSTRAINT "fk_mark__student" FOREIGN KEY ("student") REFERENCES "student" ("id") ON DELETE CASCADE;

CREATE TABLE "tag" (
  "name" TEXT PRIMARY KEY
);

CREATE TABLE "group_tag" (
  "group_dept" INTEGER NOT NULL,
  "group_num" INTEGER NOT NULL,
  "tag" TEXT NOT NULL,
  PRIMARY KEY ("group_dept", "group_num", "tag")
);

CREATE INDEX "idx_group_tag" ON "group_tag" ("tag");

ALTER TABLE "group_tag" ADD CONSTRAINT "fk_group_tag__group_dept__group_num" FOREIGN KEY ("group_dept", "group_num") REFERENCES "group" ("dept", "num") ON DELETE CASCADE;

ALTER TABLE "group_tag" ADD CONSTRAINT "fk_group_tag__tag" FOREIGN KEY ("tag") REFERENCES "tag" ("name") ON DELETE CASCADE
