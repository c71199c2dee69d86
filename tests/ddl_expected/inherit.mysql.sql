CREATE TABLE `person` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT,
  `name` VARCHAR(255) NOT NULL,
  `spouse` INTEGER,
  `classtype` VARCHAR(255) NOT NULL,
  `gpa` DOUBLE,
  `mentor` INTEGER,
  `salary` INTEGER
);

CREATE INDEX `idx_person__mentor` ON `person` (`mentor`);

CREATE INDEX `idx_person__spouse` ON `person` (`spouse`);

ALTER TABLE `person` ADD CONSTRAINT `fk_person__mentor` FOREIGN KEY (`mentor`) REFERENCES `person` (`id`) ON DELETE SET NULL;

ALTER TABLE `person` ADD CONSTRAINT `fk_person__spouse` FOREIGN KEY (`spouse`) REFERENCES `person` (`id`) ON DELETE SET NULL
