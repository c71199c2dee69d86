CREATE TABLE "other" (
  "id" SERIAL PRIMARY KEY
);

CREATE TABLE "person" (
  "id" SERIAL PRIMARY KEY,
  "t1" TIMESTAMP(2),
  "t2" TIME(1),
  "t3" INTERVAL DAY TO SECOND(4),
  "t4" TIME(0),
  "t5" INTERVAL DAY TO SECOND(3)
);

CREATE TABLE "car" (
  "id" SERIAL PRIMARY KEY,
  "owner" INTEGER,
  "oth" INTEGER
);

CREATE INDEX "idx_car__oth" ON "car" ("oth");

CREATE INDEX "idx_car__owner" ON "car" ("owner");

ALTER TABLE "car" ADD CONSTRAINT "fk_car__oth" FOREIGN KEY ("oth") REFERENCES "other" ("id") ON DELETE SET NULL;

ALTER TABLE "car" ADD CONSTRAINT "fk_car__owner" FOREIGN KEY ("owner") REFERENCES "person" ("id") ON DELETE SET NULL
