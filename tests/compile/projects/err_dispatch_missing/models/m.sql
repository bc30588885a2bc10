select {{ adapter.dispatch('nothing_here')() }}
