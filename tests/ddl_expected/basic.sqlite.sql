CREATE TABLE "Driver" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT
);

CREATE TABLE "Person" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "name" VARCHAR(40) NOT NULL,
  "nick" TEXT UNIQUE,
  "bio" TEXT NOT NULL,
  "age" SMALLINT,
  "big" BIGINT,
  "tiny" TINYINT UNSIGNED,
  "u32" INTEGER UNSIGNED,
  "score" REAL,
  "money" DECIMAL(10, 3) NOT NULL,
  "born" DATE,
  "seen" DATETIME(3),
  "wake" TIME(3),
  "dur" INTERVAL(0),
  "raw" BLOB,
  "uid" UUID,
  "flag" BOOLEAN,
  "info" JSON NOT NULL,
  "note" TEXT DEFAULT 'x' NOT NULL,
  "code" TEXT NOT NULL
);

CREATE INDEX "idx_person__code" ON "Person" ("code");

CREATE TABLE "Car" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "owner" INTEGER NOT NULL REFERENCES "Person" ("id") ON DELETE CASCADE,
  "driver" INTEGER REFERENCES "Driver" ("id") ON DELETE SET NULL
);

CREATE INDEX "idx_car__driver" ON "Car" ("driver");

CREATE INDEX "idx_car__owner" ON "Car" ("owner")
