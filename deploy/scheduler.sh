#!/bin/sh
# The compose file's scheduler: what systemd timers do on a server. Every few minutes it checks the
# time in Vietnam (UTC+7 all year; TZ=UTC-7 is POSIX for it) and, once a day, sends the morning
# reminders (from 07:30; the command itself skips weekends, holidays and a day already sent) and
# writes a backup to /backups (from 02:00), keeping 14 days of archives; with MAIL_IMAP_HOST set, it
# also reads the reply mailbox every time.
set -u
reminded="" backed_up=""
while true; do
    day=$(TZ=UTC-7 date +%F)
    now=$(TZ=UTC-7 date +%H%M)
    if [ "$now" -ge 730 ] && [ "$reminded" != "$day" ]; then
        flask --app app reminders send && reminded=$day
    fi
    if [ "$now" -ge 200 ] && [ "$backed_up" != "$day" ]; then
        flask --app app backup /backups && backed_up=$day
        find /backups -maxdepth 1 -name 'invest-portal-*.tar.gz' -mtime +14 -delete
    fi
    if [ -n "${MAIL_IMAP_HOST:-}" ]; then
        flask --app app mail fetch  # investors' replies onto their leads (README: the reply mailbox)
    fi
    sleep 300
done
