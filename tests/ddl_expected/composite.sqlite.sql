CREATE TABLE "Group" (
  "dept" INTEGER NOT NULL,
  "num" INTEGER NOT NULL,
  PRIMARY KEY ("dept", "num")
);

CREATE TABLE "Student" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "name" TEXT NOT NULL,
  "group_dept" INTEGER,
  "group_num" INTEGER,
  CONSTRAINT "unq_student__name_group_dept_group_num" UNIQUE ("name", "group_dept", "group_num"),
  FOREIGN KEY ("group_dept", "group_num") REFERENCES "Group" ("dept", "num") ON DELETE SET NULL
);

CREATE INDEX "idx_student__group_dept_group_num" ON "Student" ("group_dept", "group_num");

CREATE TABLE "Mark" (
  "student" INTEGER NOT NULL REFERENCES "Student" ("id") ON DELETE CASCADE,
  "subject" TEXT NOT NULL,
  "value" INTEGER NOT NULL,
  PRIMARY KEY ("student", "subject")
);

CREATE INDEX "idx_mark__value_subject" ON "Mark" ("value", "subject");

CREATE TABLE "Tag" (
  "name" TEXT NOT NULL PRIMARY KEY
);

CREATE TABLE "Group_Tag" (
  "group_dept" INTEGER NOT NULL,
  "group_num" INTEGER NOT NULL,
  "tag" TEXT NOT NULL REFERENCES "Tag" ("name") ON DELETE CASCADE,
  PRIMARY KEY ("group_dept", "group_num", "tag"),
  FOREIGN KEY ("group_dept", "group_num") REFERENCES "Group" ("dept", "num") ON DELETE CASCADE
);

CREATE INDEX "idx_group_tag" ON "Group_Tag" ("tag")
