/*
 * replay.c: runs a fuzz harness over files instead of under libFuzzer,
 * so that `make check` replays the seeds (testdata/) and any crash found
 * earlier.  Arguments are files or directories; prints TAP.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n;

static int
replay(const char *path)
{
	unsigned char *data = NULL;
	size_t len = 0, cap = 0, got;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL) {
		printf("not ok %d - %s: cannot open\n", ++n, path);
		return 1;
	}
	do {
		if (len == cap) {
			unsigned char *p;

			cap = cap ? cap * 2 : 65536;
			if ((p = realloc(data, cap)) == NULL)
				break;
			data = p;
		}
		got = fread(data + len, 1, cap - len, fp);
		len += got;
	} while (got > 0);
	fclose(fp);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	printf("ok %d - %s\n", ++n, path);
	return 0;
}

static int
walk(const char *path)
{
	struct dirent **names;
	struct stat sb;
	char sub[4096];
	int i, k, bad = 0;

	if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return replay(path);
	if ((k = scandir(path, &names, NULL, alphasort)) < 0)
		return replay(path);
	for (i = 0; i < k; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", path,
			    names[i]->d_name);
			bad |= walk(sub);
		}
		free(names[i]);
	}
	free(names);
	return bad;
}

int
main(int argc, char **argv)
{
	int i, bad = 0;

	for (i = 1; i < argc; i++)
		bad |= walk(argv[i]);
	printf("1..%d\n", n);
	return bad;
}
