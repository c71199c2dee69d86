CREATE TABLE "Course" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "title" TEXT NOT NULL
);

CREATE TABLE "Student" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "name" TEXT NOT NULL
);

CREATE TABLE "Course_Student" (
  "course" INTEGER NOT NULL REFERENCES "Course" ("id") ON DELETE CASCADE,
  "student" INTEGER NOT NULL REFERENCES "Student" ("id") ON DELETE CASCADE,
  PRIMARY KEY ("course", "student")
);

CREATE INDEX "idx_course_student" ON "Course_Student" ("student");

CREATE TABLE "Student_Student" (
  "student" INTEGER NOT NULL REFERENCES "Student" ("id") ON DELETE CASCADE,
  "student_2" INTEGER NOT NULL REFERENCES "Student" ("id") ON DELETE CASCADE,
  PRIMARY KEY ("student", "student_2")
);

CREATE INDEX "idx_student_student" ON "Student_Student" ("student_2");

CREATE TABLE "Student_friends" (
  "student" INTEGER NOT NULL REFERENCES "Student" ("id") ON DELETE CASCADE,
  "student_2" INTEGER NOT NULL REFERENCES "Student" ("id") ON DELETE CASCADE,
  PRIMARY KEY ("student", "student_2")
);

CREATE INDEX "idx_student_friends" ON "Student_friends" ("student_2")
