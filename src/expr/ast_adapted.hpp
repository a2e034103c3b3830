// Fusion adaptation of the parser's tree (private), at global scope as X3 requires.
#pragma once

#include <boost/fusion/include/adapt_struct.hpp>

#include "ast.hpp"

BOOST_FUSION_ADAPT_STRUCT(qscore::expr::x3ast::number, offset, text)
BOOST_FUSION_ADAPT_STRUCT(qscore::expr::x3ast::reference, offset, name)
BOOST_FUSION_ADAPT_STRUCT(qscore::expr::x3ast::call, offset, name, args)
BOOST_FUSION_ADAPT_STRUCT(qscore::expr::x3ast::unary, offset, op, rhs)
BOOST_FUSION_ADAPT_STRUCT(qscore::expr::x3ast::operation, offset, op, rhs)
BOOST_FUSION_ADAPT_STRUCT(qscore::expr::x3ast::expression, first, rest)
