CREATE TABLE `driver` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT
);

CREATE TABLE `person` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT,
  `name` VARCHAR(40) NOT NULL,
  `nick` VARCHAR(255) UNIQUE,
  `bio` LONGTEXT NOT NULL,
  `age` SMALLINT,
  `big` BIGINT,
  `tiny` TINYINT UNSIGNED,
  `u32` INTEGER UNSIGNED,
  `score` DOUBLE,
  `money` DECIMAL(10, 3) NOT NULL,
  `born` DATE,
  `seen` DATETIME(3),
  `wake` TIME(3),
  `dur` TIME,
  `raw` LONGBLOB,
  `uid` BINARY(16),
  `flag` BOOLEAN,
  `info` JSON NOT NULL,
  `note` VARCHAR(255) DEFAULT 'x' NOT NULL,
  `code` VARCHAR(255) NOT NULL
);

CREATE INDEX `idx_person__code` ON `person` (`code`);

CREATE TABLE `car` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT,
  `owner` INTEGER NOT NULL,
  `driver` INTEGER
);

CREATE INDEX `idx_car__driver` ON `car` (`driver`);

CREATE INDEX `idx_car__owner` ON `car` (`owner`);

ALTER TABLE `car` ADD CONSTRAINT `fk_car__driver` FOREIGN KEY (`driver`) REFERENCES `driver` (`id`) ON DELETE SET NULL;

ALTER TABLE `car` ADD CONSTRAINT `fk_car__owner` FOREIGN KEY (`owner`) REFERENCES `person` (`id`) ON DELETE CASCADE
