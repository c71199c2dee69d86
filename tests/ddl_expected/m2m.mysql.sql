CREATE TABLE `course` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT,
  `title` VARCHAR(255) NOT NULL
);

CREATE TABLE `student` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT,
  `name` VARCHAR(255) NOT NULL
);

CREATE TABLE `course_student` (
  `course` INTEGER NOT NULL,
  `student` INTEGER NOT NULL,
  PRIMARY KEY (`course`, `student`)
);

CREATE INDEX `idx_course_student` ON `course_student` (`student`);

ALTER TABLE `course_student` ADD CONSTRAINT `fk_course_student__course` FOREIGN KEY (`course`) REFERENCES `course` (`id`) ON DELETE CASCADE;

ALTER TABLE `course_student` ADD CONSTRAINT `fk_course_student__student` FOREIGN KEY (`student`) REFERENCES `student` (`id`) ON DELETE CASCADE;

CREATE TABLE `student_friends` (
  `student` INTEGER NOT NULL,
  `student_2` INTEGER NOT NULL,
  PRIMARY KEY (`student`, `student_2`)
);

CREATE INDEX `idx_student_friends` ON `student_friends` (`student_2`);

ALTER TABLE `student_friends` ADD CONSTRAINT `fk_student_friends__student` FOREIGN KEY (`student`) REFERENCES `student` (`id`) ON DELETE CASCADE;

ALTER TABLE `student_friends` ADD CONSTRAINT `fk_student_friends__student_2` FOREIGN KEY (`student_2`) REFERENCES `student` (`id`) ON DELETE CASCADE;

CREATE TABLE `student_student` (
  `student` INTEGER NOT NULL,
  `student_2` INTEGER NOT NULL,
  PRIMARY KEY (`student`, `student_2`)
);

CREATE INDEX `idx_student_student` ON `student_student` (`student_2`);

ALTER TABLE `student_student` ADD CONSTRAINT `fk_student_student__student` FOREIGN KEY (`student`) REFERENCES `student` (`id`) ON DELETE CASCADE;

ALTER TABLE `student_student` ADD CONSTRAINT `fk_student_student__student_2` FOREIGN KEY (`student_2`) REFERENCES `student` (`id`) ON DELETE CASCADE
