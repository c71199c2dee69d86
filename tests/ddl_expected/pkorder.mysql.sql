CREATE TABLE `student` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT
);

CREATE TABLE `mark` (
  `subject` VARCHAR(255) NOT NULL,
  `student` INTEGER NOT NULL,
  PRIMARY KEY (`subject`, `student`)
);

CREATE INDEX `idx_mark__student` ON `mark` (`student`);

ALTER TABLE `mark` ADD CONSTRAINT `fk_mark__student` FOREIGN KEY (`student`) REFERENCES `student` (`id`) ON DELETE CASCADE;

CREATE TABLE `mark2` (
  `student` INTEGER NOT NULL,
  `subject` VARCHAR(255) NOT NULL,
  PRIMARY KEY (`student`, `subject`)
);

ALTER TABLE `mark2` ADD CONSTRAINT `fk_mark2__student` FOREIGN KEY (`student`) REFERENCES `student` (`id`) ON DELETE CASCADE
