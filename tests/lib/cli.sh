# Helpers of the shell suites that drive the command line and psql. Source
# after tests/lib/tap.sh, with $bin set to the counterdesk binary.

# as LOGIN counterdesk-args...   (a demo login: password <login>-demo)
as() {
	login=$1; shift
	PGPASSWORD="$login-demo" "$bin" -U "$login" "$@"
}

# su_psql psql-args...   the cluster superuser on database counterdesk
su_psql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -U postgres -d counterdesk -v ON_ERROR_STOP=1 "$@"; }

# jfield JSON PATH   one value of a JSON text; PATH is keys and array
# indexes joined by dots (cases.0.case_no); objects come back as JSON
jfield() {
	printf '%s' "$1" | perl -MJSON::PP -0777 -e '
		my $d = eval { JSON::PP->new->decode(scalar <STDIN>) };
		exit 1 unless defined $d;
		for my $k (split /\./, $ARGV[0]) { $d = ref $d eq "ARRAY" ? $d->[$k] : $d->{$k}; }
		print !defined $d ? "" : JSON::PP::is_bool($d) ? ($d ? "true" : "false")
		    : ref $d ? JSON::PP->new->canonical->encode($d) : $d;' "$2"
}
