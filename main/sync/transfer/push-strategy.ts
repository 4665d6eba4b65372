/**
 * How a push is carried: SFTP alone, a tar stream over exec sharing or owning the new files, and
 * extra SFTP channels for big files. The rules are here together because they trade the same
 * costs against each other: a login shell's start on the server (tar needs one; on GPU servers
 * conda or pyenv init can make it seconds of server CPU), round trips per file and per folder
 * level (SFTP), and what a cut push keeps (SFTP keeps each file it finished; a cut tar push keeps
 * nothing). `npm run bench -- sync` prints both paths against rsync, so a change here can be
 * checked against the numbers of the day.
 */

/**
 * From this many new files up, tar may share a push with SFTP. Below it a shell's start is not
 * worth it: SFTP with its backlog limit (channel-window.ts) pushes such trees quickly, and on a
 * small server the shell's start also takes CPU from the SFTP push it would help.
 */
export const TAR_MIN_FILES = 10_000;

/**
 * When tar's shell is ready, it takes the files SFTP has not started only if SFTP, at the rate it
 * has reached, would need longer than this for them: a shorter tail does not pay for the stream,
 * the listing, a RENAME per file, and the CPU the two transfers then fight over.
 */
export const TAR_WORTH_SECONDS = 5;

/**
 * On a link with at least this round trip (the SFTP channel's fastest reply so far), a first push
 * of at least TAR_OWNED_MIN_FILES new files, TAR_OWNED_MAX_BYTES at most, goes through tar alone
 * from the start: new folders travel in the archive and each topmost one goes into place with one
 * RENAME, where SFTP pays a round trip per folder level and per file. The shell is started while
 * the SFTP channel opens (open-sync-session.ts), so its start is hidden behind the connection
 * even for a typical ML repository of a few hundred files. On loopback the two are level, and
 * SFTP keeps what it sent if the connection is cut, so there SFTP goes on alone.
 */
export const TAR_OWNED_MIN_RTT_MS = 5;
export const TAR_OWNED_MIN_FILES = 500;
/** A cut tar push keeps nothing (its staging folder is swept): beyond this, files go one by one. */
export const TAR_OWNED_MAX_BYTES = 512 * 1024 * 1024;

/**
 * Two helper channels, three in all: the big files' WRITEs spread over three flow-control windows
 * (write-lanes.ts); more add channel starts without filling the link any better.
 */
export const HELPER_CHANNELS = 2;
/**
 * A push opens helpers when its files of SPLIT_MIN_BYTES or more add up to at least this much:
 * enough data that a channel's start (a round trip, or a login shell's start on servers that run
 * sftp-server as a subsystem) is small beside what the extra windows save.
 */
export const HELPERS_MIN_BYTES = 64 * 1024 * 1024;
