#ifndef ADUAN_CLINUXEXTRAS_H
#define ADUAN_CLINUXEXTRAS_H

/// sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE): starts writing a file's
/// dirty pages without waiting. glibc declares it only under _GNU_SOURCE,
/// which Swift's Glibc module does not define. Returns 0 or -1 with errno.
int aduan_start_writeback(int fd);

/// syncfs(fd): writes out every dirty page and inode of the filesystem
/// holding fd and waits, with one flush of the disk's cache; reports a
/// writeback error of that filesystem since Linux 5.8. glibc declares it only
/// under _GNU_SOURCE. Returns 0 or -1 with errno.
int aduan_sync_filesystem(int fd);

/// renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE): a rename that
/// fails with EEXIST rather than replace what is there, in one system call
/// (link + unlink takes two and updates the inode twice). Returns 0 or -1
/// with errno; EINVAL or ENOSYS where the filesystem or kernel lacks it.
int aduan_rename_noreplace(const char *from, const char *to);

/// Runs every task of Swift concurrency's global executor on libdispatch's
/// overcommit queue rather than the default one, whose first thread starts a
/// once-a-second monitor that never stops (see GlobalExecutor.c). Call it
/// first thing in `main`, before any task is created; only the daemon's
/// executable does.
void aduan_run_tasks_on_overcommit_queue(void);

/// mallopt(M_ARENA_MAX, arenas): at most that many glibc malloc arenas,
/// however many threads allocate. Call it first thing in `main`. A no-op
/// where the C library is not glibc.
void aduan_limit_malloc_arenas(int arenas);

/// SQLite's global configuration, before the first connection opens:
/// multi-thread mode (GRDB never lets two threads use one connection at
/// once, so the per-connection mutex every call took is not needed) and no
/// memory statistics (their mutex was taken on every allocation). Returns
/// SQLITE_OK, or SQLITE_MISUSE once SQLite has been initialised.
int aduan_configure_sqlite(void);

#endif
