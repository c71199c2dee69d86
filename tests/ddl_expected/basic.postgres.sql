CREATE TABLE "driver" (
  "id" SERIAL PRIMARY KEY
);

CREATE TABLE "person" (
  "id" SERIAL PRIMARY KEY,
  "name" VARCHAR(40) NOT NULL,
  "nick" TEXT UNIQUE,
  "bio" TEXT NOT NULL,
  "age" SMALLINT,
  "big" BIGINT,
  "tiny" SMALLINT,
  "u32" BIGINT,
  "score" DOUBLE PRECISION,
  "money" DECIMAL(10, 3) NOT NULL,
  "born" DATE,
  "seen" TIMESTAMP(3),
  "wake" TIME(3),
  "dur" INTERVAL DAY TO SECOND(0),
  "raw" BYTEA,
  "uid" UUID,
  "flag" BOOLEAN,
  "info" JSONB NOT NULL,
  "note" TEXT DEFAULT 'x' NOT NULL,
  "code" TEXT NOT NULL
);

CREATE INDEX "idx_person__code" ON "person" ("code");

CREATE TABLE "car" (
  "id" SERIAL PRIMARY KEY,
  "owner" INTEGER NOT NULL,
  "driver" INTEGER
);

CREATE INDEX "idx_car__driver" ON "car" ("driver");

CREATE INDEX "idx_car__owner" ON "car" ("owner");

ALTER TABLE "car" ADD CONSTRAINT "fk_car__driver" FOREIGN KEY ("driver") REFERENCES "driver" ("id") ON DELETE SET NULL;

ALTER TABLE "car" ADD CONSTRAINT "fk_car__owner" FOREIGN KEY ("owner") REFERENCES "person" ("id") ON DELETE CASCADE
