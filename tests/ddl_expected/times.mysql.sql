CREATE TABLE `other` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT
);

CREATE TABLE `person` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT,
  `t1` DATETIME(2),
  `t2` TIME(1),
  `t3` TIME(4),
  `t4` TIME,
  `t5` TIME(3)
);

CREATE TABLE `car` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT,
  `owner` INTEGER,
  `oth` INTEGER
);

CREATE INDEX `idx_car__oth` ON `car` (`oth`);

CREATE INDEX `idx_car__owner` ON `car` (`owner`);

ALTER TABLE `car` ADD CONSTRAINT `fk_car__oth` FOREIGN KEY (`oth`) REFERENCES `other` (`id`) ON DELETE SET NULL;

ALTER TABLE `car` ADD CONSTRAINT `fk_car__owner` FOREIGN KEY (`owner`) REFERENCES `person` (`id`) ON DELETE SET NULL
