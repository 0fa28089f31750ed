DROP TABLE release_cells;
DROP TABLE release_group_units;
DROP TABLE release_groups;
DROP TABLE releases;
